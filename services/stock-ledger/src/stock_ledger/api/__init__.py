"""HTTP API of the stock ledger: documents, forms and scanning, reports."""

from fastapi import APIRouter

from stock_ledger.api import counting, documents, forms, reports, ui

router = APIRouter()
router.include_router(documents.router)
router.include_router(forms.router)
router.include_router(reports.router)
router.include_router(counting.router)
router.include_router(ui.router)

__all__ = ["router"]
