"""Immunisation screens: the chart's vaccination panel and dose dialog, the campaign tally, the due list."""
