// Package eudr writes what an operator files under the EU Deforestation
// Regulation (Regulation (EU) 2023/1115) for a verified batch, or for
// everything one transfer of it sends: the geolocation file the EU
// Information System (TRACES) takes with a due diligence statement
// (GeoJSON), and a due diligence summary beside it, as JSON (Summarize)
// and as a page a person reads and prints (WriteHTML). Export gives the
// summary and its geolocation files together, writing the files once.
//
// Both read a *provenance.Report and the records behind it, as
// provenance.VerifyWithEvidence returns them, and nothing else: the
// package does no file or network I/O (the node writes the files).
//
// # The geolocation file
//
// The Commission's "EUDR GeoJSON File Description" (version 1.2 of
// 4 July 2024 and later) and the Information System's interface details
// ask for, and GeoJSON writes:
//
//   - a GeoJSON FeatureCollection (RFC 7946), one Feature per plot of land,
//     in WGS84 (EPSG:4326) decimal degrees, each position [longitude,
//     latitude], latitudes within ±90 and longitudes within ±180;
//   - coordinates with at least six decimals (Article 2(28) of the
//     Regulation); the records keep ten-millionths of a degree, so each is
//     written exactly, with six decimals or seven when the seventh is used;
//   - the feature properties ProducerName, ProducerCountry (ISO 3166-1
//     alpha-2) and ProductionPlace, and for a Point the plot's Area in
//     hectares: a point stands only for a plot of at most 4 ha;
//   - a Polygon (or MultiPolygon) for a larger plot: each ring closed (the
//     last position the first again), at least four positions, corners not
//     all on one line, sides that neither cross nor overlap;
//   - no "doughnut": the Information System does not take a polygon with
//     holes, and the Commission's list of common errors says to split one
//     into pieces instead, so a plot recorded with holes is written as a
//     MultiPolygon of hole-free pieces cut along north–south lines through
//     its holes, covering exactly its land;
//   - at most 25 MB of geolocation per due diligence statement: past that
//     GeoJSON splits the features over several files by whole features,
//     and the summary says so.
//
// Where this was read (the Commission's PDF itself is not in the
// references this was written from, so each rule is taken from at least
// two independent descriptions of it): the description's properties,
// geometry types, the Area of points and the 4 ha rule as summarised at
// https://www.evanbuytendijk.nl/en/news/2024/eudr-geojson/ (which also
// claims the file wants [latitude, longitude]; the Commission's own
// example, reproduced at https://duracert.com/en/eudr-geojson-format,
// writes [5.824…, 52.272…] for a place in the Netherlands, which is
// [longitude, latitude], as RFC 7946 and every other source say); the
// Information System's interface details (WGS84, longitude first, six
// decimals, polygons of at least four points whose sides do not cross,
// 25 MB per statement) at
// https://nadar.earth/media/preparing-geodata-for-the-eudr, and how the
// Information System pads shorter coordinates at
// https://www.nadar.earth/media/how-eudr-information-system-handles-geocoordinates;
// the Commission's list of GeoJSON errors (lines crossing, overlapping
// sides, doughnuts, open polygons), as reproduced at
// https://docs.open-atlas.com/docs/vantage-x/eudr-geojson-requirements.
//
// # The summary
//
// A summary names the product and its HS code (HSCodes: the oil palm
// entries of the Regulation's Annex I, mapped from the product names
// records use; an unknown product says HSUnknown), the species (Elaeis
// guineensis), the net mass (the batch's quantity, or the transfer's),
// the countries of production, the producers, the harvest periods, every
// plot with its deforestation-free and legality evidence or "not
// assessed", the certification schemes by their full names (RSPO, MSPO,
// ISPO, …) with the claims and certificates behind them, the due
// diligence statements filed upstream and the plots none covers, the
// geolocation files, and the verdict with its checks and the CID of every
// record behind it, so that an auditor can check each claim against the
// signed records.
package eudr
