"""The PDF documents' building blocks (page, numbering, fonts, tables), shared by the exports and the
regional minutes; they know nothing of the contest."""
