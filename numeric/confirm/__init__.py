"""The numeric confirmation of each identity (1a-2d) and the numeric counterparts of the
soundness catalogue's claims."""
