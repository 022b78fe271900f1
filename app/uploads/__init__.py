"""Receiving files from strangers: content inspection, display names, storage on disk."""
