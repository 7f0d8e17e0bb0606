"""Monte Carlo as statistics: z-tests with a false-failure budget, calibration, tail
diagnostics, variance reduction, quadrature, reference information measures and the
gradient estimators of the reparameterization trick."""
