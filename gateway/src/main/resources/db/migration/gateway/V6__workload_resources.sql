-- What a running workload has created and not yet torn down (processes, bonds, VFIO container), so
-- that a gateway that stopped without tearing down can do it when it starts again.
alter table workload add column resources text;
