"""Statistics for goals and tracking: confidence intervals, inequality measures, power and SPC.

Pure functions on numbers and frames: no streamlit, no files. Each module states the method
it follows and the published examples its tests reproduce.
"""
