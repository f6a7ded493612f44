"""随迁子女: what migrant children need to enroll, and a self-check that stores nothing."""
