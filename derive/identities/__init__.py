"""The worksheet's identities, one module per topic, in worksheet order."""

from derive.identities import kl, reparam

IDENTITIES = [*kl.IDENTITIES, *reparam.IDENTITIES]
