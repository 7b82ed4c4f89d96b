"""The registry import: a committee's residents, households and buildings from .xlsx or .csv.

One row of the file is one resident with the address of their household (路/弄/号/室). The file is
streamed twice: a dry run (the preview) and the commit, which validates again while it writes in
batches inside one transaction, so a bad row found part-way rolls everything back. Memory stays
bounded: rows are read one at a time and held only for one batch; what is kept for the whole file
is the committee's addresses and the set of ID numbers seen (to find duplicates).

Matching: a building by its address, a household by building and room, a resident by ID number
(deployment-wide unique). A row without an ID number, or with a masked one (an export of someone
who may not see full numbers), is matched by name within its household. Empty and masked cells
keep what is recorded: the import never clears a value and never deletes anything, which is why
importing an export changes nothing.

The modules, in the order a file meets them: runs (upload, preview, commit, cancel), reading (kind,
encoding, rows and cells; xlsx_stream reads a workbook's sheet), columns (headers → fields),
importer (the run, batch by batch, through the next three), cleaning (each cell checked and read),
households (the committee's buildings and households, found or added by address), matching (each
row's resident, and what changes), writer (a batch into the registry), and views and urls; plans
holds the records they pass along (a row, its plan, the report). What the preview says is kept on
the run as values, put into words in the reader's language when shown: problems (a bad row's
message and parameters) and changes (each update, old → new; a move; a household left without its
head).

An ID number recorded under another name is a bad row: an import never renames anyone (nor moves
someone whose ID number was mistyped).
"""
