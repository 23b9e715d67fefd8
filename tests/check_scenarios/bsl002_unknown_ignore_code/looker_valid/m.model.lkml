connection: "athena"
include: "/views/*.view.lkml"
include: "/explores/*.explore.lkml"
