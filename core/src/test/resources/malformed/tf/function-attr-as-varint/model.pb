

cPartitionedCall*
fP"µ	