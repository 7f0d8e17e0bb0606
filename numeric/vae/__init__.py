"""The torch VAE on scikit-learn's digits (worksheet 2e-2g): data, model, the linear VAE,
the checks that confirm 2e-2g, and the computations behind `derive vae`."""
