"""Master plans (rencana induk) of regions, their programmes and review workflow."""
