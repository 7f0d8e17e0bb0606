"""The catalogues: the worksheet's identities (one module per topic, listed by `catalogue`),
and the soundness catalogue (`soundness`).

Identities name their numeric confirmations as "module:function" strings and never import
them; `derive.registry` joins them.
"""
