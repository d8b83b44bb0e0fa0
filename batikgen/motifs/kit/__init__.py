"""What the motif families draw with: vertex generators and placement (geometry), strokes,
isen-isen fillers (isen), wax-crackle veins (crackle) and the natural-dye palettes (palettes)."""
