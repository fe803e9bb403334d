requant.v
tvscm_layer.v
tvscm_784_top.v
