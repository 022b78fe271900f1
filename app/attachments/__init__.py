"""A candidature's attachments: at most ``max_count`` files, added, replaced and deleted before the deadline."""
