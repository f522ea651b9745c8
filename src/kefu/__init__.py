"""kefu (客服): an open-source customer-service system for telecom operators."""

__version__ = "0.1.0"
