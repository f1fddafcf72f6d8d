"""Documents: templates as data, bilingual PDF rendering with shaped Telugu, and issuing.

Public surface: `issue_document`, `issue_draft` (the one way a document is issued),
`DocumentService`, `Draft`, `Seal`, `Issued`, `Office`, `Officer`, `new_number`,
`document_types`.
"""

from manamitra.documents.issue import (
    DocumentService,
    Draft,
    Issued,
    Seal,
    issue_document,
    issue_draft,
    new_number,
)
from manamitra.documents.render import Office, Officer
from manamitra.documents.template import document_types

__all__ = [
    "DocumentService",
    "Draft",
    "Issued",
    "Office",
    "Officer",
    "Seal",
    "document_types",
    "issue_document",
    "issue_draft",
    "new_number",
]
