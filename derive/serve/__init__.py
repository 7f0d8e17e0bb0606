"""The checker where students and teaching assistants write: a web server (`derive serve`),
a `%%derive` notebook magic and a pytest plugin for course repositories.

All three read LaTeX with `derive.notation.document.read_latex` and answer with what
`derive check` gives (`derive.cli.check.report`, `annotated_latex`), so this package sits
above the CLI whose views it reuses (docs/serve.md, "Where the code lives").
"""
