"""Board-ready outputs and the command line: static maps, PDF place packs, goals and tracking.

``python -m report --help`` lists the commands.
"""
