"""Surveillance on the laptop (issue 16): the chart's cases panel, test results and the malaria case investigation."""
