"""Documents: templates as data, bilingual PDF rendering with shaped Telugu, and issuing.

Public surface: `issue_document`, `DocumentService`, `Issued`, `Office`, `Officer`,
`new_number`, `document_types`.
"""

from manamitra.documents.issue import DocumentService, Issued, issue_document, new_number
from manamitra.documents.render import Office, Officer
from manamitra.documents.template import document_types

__all__ = [
    "DocumentService",
    "Issued",
    "Office",
    "Officer",
    "document_types",
    "issue_document",
    "new_number",
]
