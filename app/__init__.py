"""Sayyar: offline-first records for IOM Iran's mobile health units."""

__version__ = "0.2.0"
