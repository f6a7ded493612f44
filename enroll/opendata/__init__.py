"""Open data: downloads of what is published, their catalogue and its DCAT form."""
