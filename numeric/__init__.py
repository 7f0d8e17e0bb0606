"""The numeric layer: Monte Carlo tests (`mc`), the confirmation of each identity (`confirm`)
and the torch VAE (`vae`). May use `derive.engine` (and the leaf `derive.output`), never the
rest of `derive`.
"""
