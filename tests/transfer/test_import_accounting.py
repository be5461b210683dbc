"""Whatever the file holds, every non-blank record is accounted for exactly once: created,
updated, unchanged or rejected with its row number (hypothesis draws the files)."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientdesk.transfer.queries import import_errors
from clientdesk.transfer.services import import_file

CELL = st.one_of(
    st.sampled_from(["", " ", "ACME", "acme", "A-1", "TOOLONGPREFIX", "Lead", "active", "x@y"]),
    st.text(
        alphabet=st.characters(
            codec="cp1252", exclude_categories=["Cs", "Cc"], include_characters="\n\r\t"
        ),
        max_size=12,
    ),
)
ROW = st.lists(CELL, min_size=0, max_size=5)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(ROW, max_size=25),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_every_record_is_counted_once_as_written_or_rejected(
    cast, tmp_path_factory, rows, delimiter, encoding, newline
):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    # csv quotes a field holding a line break only if the break is part of its line ending;
    # a spreadsheet quotes any field with CR or LF, and so does this file.
    quoted = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL)
    writer.writerow(["Prefix", "Name", "Status", "Primary contact email", "Tags"])
    for row in rows:
        (quoted if any("\r" in cell for cell in row) else writer).writerow(row)
    path = tmp_path_factory.mktemp("drawn") / "clients.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))

    job = import_file(
        account=cast.account,
        membership=cast.manager,
        kind="clients",
        path=str(path),
        dry_run=True,
    )

    records = [r for r in rows if any(cell.strip() for cell in r)]
    counts = job.counts
    assert job.state == "done", job.failure
    assert counts["rows"] == len(records)
    assert counts["created"] + counts["updated"] + counts["unchanged"] + counts["rejected"] == (
        len(records)
    )
    rejected_rows = {e.row for e in import_errors(job)}
    assert len(rejected_rows) == counts["rejected"]
    assert all(2 <= row <= len(rows) + 1 for row in rejected_rows)
