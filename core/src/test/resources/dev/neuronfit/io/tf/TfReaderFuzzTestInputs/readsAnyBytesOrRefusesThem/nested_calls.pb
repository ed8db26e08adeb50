
$
callPartitionedCall*
fR
f0¨
>

f0
x
y$
cPartitionedCallx*
fR
f1"
yc
>

f1
x
y$
cPartitionedCallx*
fR
f2"
yc
&

f2
x
y
rRelux"
yr"µ	