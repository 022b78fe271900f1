"""Personal data: a person downloads theirs; organisers anonymise on request; the retention period."""
