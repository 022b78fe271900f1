"""The action log as people read it: a label for each audit code, filters, one page and its CSV.

The regional log (``/ars/<id>/journal``) and the national one (``/national/journal``) are the same
page over a different scope of rows; their routes only say which rows and which navigation.
"""
