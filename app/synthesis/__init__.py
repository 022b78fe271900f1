"""The synthesis of the regions' dossiers (issue 14): a page with charts and their tables, a CSV and a PDF,
for national organisers (every region, each edition they organise) and for each ARS (its own region).

The counting is ``workflows.synthesis`` (pure); this package reads the dossiers in one query, draws the
charts (SVG on the page, ReportLab in the PDF) and serves the files."""
