"""Contains all the data models used in inputs/outputs"""

from .board_sale import BoardSale
from .buy_rates import BuyRates
from .field_error import FieldError
from .new_sale import NewSale
from .new_units import NewUnits
from .order_page_view import OrderPageView
from .order_state import OrderState
from .order_view import OrderView
from .payment_notification import PaymentNotification
from .problem import Problem
from .problem_type import ProblemType
from .purchase_accepted import PurchaseAccepted
from .purchase_failure import PurchaseFailure
from .purchase_request import PurchaseRequest
from .purchase_result import PurchaseResult
from .purchase_status import PurchaseStatus
from .queue_figures import QueueFigures
from .sale_audit import SaleAudit
from .sale_end import SaleEnd
from .sale_figures import SaleFigures
from .sale_order_view import SaleOrderView
from .sale_orders_view import SaleOrdersView
from .sale_status import SaleStatus
from .sale_summary import SaleSummary
from .sales_board import SalesBoard

__all__ = (
    "BoardSale",
    "BuyRates",
    "FieldError",
    "NewSale",
    "NewUnits",
    "OrderPageView",
    "OrderState",
    "OrderView",
    "PaymentNotification",
    "Problem",
    "ProblemType",
    "PurchaseAccepted",
    "PurchaseFailure",
    "PurchaseRequest",
    "PurchaseResult",
    "PurchaseStatus",
    "QueueFigures",
    "SaleAudit",
    "SaleEnd",
    "SaleFigures",
    "SaleOrdersView",
    "SaleOrderView",
    "SalesBoard",
    "SaleStatus",
    "SaleSummary",
)
