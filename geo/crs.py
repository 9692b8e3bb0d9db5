"""The coordinate reference systems WardLens uses, each named once.

Distances, areas and best fits are measured in British National Grid (metres); files for
the browser and the raw boundary files are in WGS 84 longitude/latitude.
"""

#: British National Grid: metres, for distances, areas, point-in-polygon best fits and static maps.
BNG = "EPSG:27700"
#: WGS 84 longitude/latitude: the raw boundaries and every map file the app sends to the browser.
WGS84 = "EPSG:4326"
