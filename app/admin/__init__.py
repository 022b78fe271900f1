"""The administrator's pages: find a staff account, reset its second factor."""
