"""begroot: a Dutch municipality's budget, from the financial export to an accessible website."""

__version__ = "0.1.0"
