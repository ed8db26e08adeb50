
.
xPlaceholder*
shape:þÿÿÿÿÿÿÿÿ"µ	