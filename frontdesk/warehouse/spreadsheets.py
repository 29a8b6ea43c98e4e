"""Goods in Excel."""
