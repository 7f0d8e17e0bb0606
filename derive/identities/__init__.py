"""The worksheet's identities, one module per topic, in worksheet order."""

from derive.identities import elbo, kl, reparam, vae

IDENTITIES = [*kl.IDENTITIES, *elbo.IDENTITIES, *reparam.IDENTITIES, *vae.IDENTITIES]
