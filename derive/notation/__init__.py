"""The project's notation in both directions: reading LaTeX (`reader`, `document`) and
writing it (`writer`: LaTeX, Markdown and the Jupyter display). Builds on the engine only.
"""
