"""The worksheet's identities, one module per topic, in worksheet order."""

from derive.identities import kl

IDENTITIES = [*kl.IDENTITIES]
