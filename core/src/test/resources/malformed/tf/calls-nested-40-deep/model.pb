
$
callPartitionedCall*
fR
f0¤
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
>

f2
x
y$
cPartitionedCallx*
fR
f3"
yc
>

f3
x
y$
cPartitionedCallx*
fR
f4"
yc
>

f4
x
y$
cPartitionedCallx*
fR
f5"
yc
>

f5
x
y$
cPartitionedCallx*
fR
f6"
yc
>

f6
x
y$
cPartitionedCallx*
fR
f7"
yc
>

f7
x
y$
cPartitionedCallx*
fR
f8"
yc
>

f8
x
y$
cPartitionedCallx*
fR
f9"
yc
?

f9
x
y%
cPartitionedCallx*
fR
f10"
yc
@

f10
x
y%
cPartitionedCallx*
fR
f11"
yc
@

f11
x
y%
cPartitionedCallx*
fR
f12"
yc
@

f12
x
y%
cPartitionedCallx*
fR
f13"
yc
@

f13
x
y%
cPartitionedCallx*
fR
f14"
yc
@

f14
x
y%
cPartitionedCallx*
fR
f15"
yc
@

f15
x
y%
cPartitionedCallx*
fR
f16"
yc
@

f16
x
y%
cPartitionedCallx*
fR
f17"
yc
@

f17
x
y%
cPartitionedCallx*
fR
f18"
yc
@

f18
x
y%
cPartitionedCallx*
fR
f19"
yc
@

f19
x
y%
cPartitionedCallx*
fR
f20"
yc
@

f20
x
y%
cPartitionedCallx*
fR
f21"
yc
@

f21
x
y%
cPartitionedCallx*
fR
f22"
yc
@

f22
x
y%
cPartitionedCallx*
fR
f23"
yc
@

f23
x
y%
cPartitionedCallx*
fR
f24"
yc
@

f24
x
y%
cPartitionedCallx*
fR
f25"
yc
@

f25
x
y%
cPartitionedCallx*
fR
f26"
yc
@

f26
x
y%
cPartitionedCallx*
fR
f27"
yc
@

f27
x
y%
cPartitionedCallx*
fR
f28"
yc
@

f28
x
y%
cPartitionedCallx*
fR
f29"
yc
@

f29
x
y%
cPartitionedCallx*
fR
f30"
yc
@

f30
x
y%
cPartitionedCallx*
fR
f31"
yc
@

f31
x
y%
cPartitionedCallx*
fR
f32"
yc
@

f32
x
y%
cPartitionedCallx*
fR
f33"
yc
@

f33
x
y%
cPartitionedCallx*
fR
f34"
yc
@

f34
x
y%
cPartitionedCallx*
fR
f35"
yc
@

f35
x
y%
cPartitionedCallx*
fR
f36"
yc
@

f36
x
y%
cPartitionedCallx*
fR
f37"
yc
@

f37
x
y%
cPartitionedCallx*
fR
f38"
yc
@

f38
x
y%
cPartitionedCallx*
fR
f39"
yc
'

f39
x
y
rRelux"
yr"µ	