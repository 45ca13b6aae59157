"""Provinces, regions (kabupaten/kota) and their participation in the movement."""
