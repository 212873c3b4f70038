//! GeoJSON shapes and the exact geometry behind geo2dsphere queries.
//!
//! The real server approximates shapes with S2 cell coverings and then refines; the fake
//! evaluates exactly instead:
//! - a point is inside a `Polygon` (or `MultiPolygon`) when a ray cast from it crosses the
//!   outer ring an odd number of times and no hole contains it; edges are straight lines
//!   in the longitude/latitude plane (good for the small regions tests use, not for
//!   shapes spanning the antimeridian or a pole);
//! - a point is inside an `AeroCircle` when its great-circle (haversine) distance to the
//!   centre is at most the radius in metres, on a sphere of radius 6 371 000 m.
//!
//! Results can therefore differ from a real server for points within a few metres of a
//! boundary.

use serde_json::Value as Json;

/// Mean Earth radius in metres used for circle distances.
pub const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// A (longitude, latitude) pair in degrees.
pub type LngLat = (f64, f64);

/// A parsed GeoJSON shape the fake understands.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A single point.
    Point(LngLat),
    /// Polygons, each an outer ring followed by holes.
    Polygons(Vec<Vec<Vec<LngLat>>>),
    /// Aerospike's circle extension: centre and radius in metres.
    Circle(LngLat, f64),
}

fn lng_lat(v: &Json) -> Option<LngLat> {
    let a = v.as_array()?;
    let lng = a.first()?.as_f64()?;
    let lat = a.get(1)?.as_f64()?;
    (lng.is_finite() && lat.is_finite()).then_some((lng, lat))
}

fn ring(v: &Json) -> Option<Vec<LngLat>> {
    let r: Option<Vec<LngLat>> = v.as_array()?.iter().map(lng_lat).collect();
    r.filter(|r| r.len() >= 3)
}

fn polygon(v: &Json) -> Option<Vec<Vec<LngLat>>> {
    let p: Option<Vec<Vec<LngLat>>> = v.as_array()?.iter().map(ring).collect();
    p.filter(|p| !p.is_empty())
}

impl Shape {
    /// Parses GeoJSON text (`Point`, `Polygon`, `MultiPolygon`, `AeroCircle`).
    /// Anything else, or malformed JSON, is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let json: Json = serde_json::from_str(text).ok()?;
        let coords = json.get("coordinates")?;
        match json.get("type")?.as_str()? {
            "Point" => lng_lat(coords).map(Shape::Point),
            "Polygon" => polygon(coords).map(|p| Shape::Polygons(vec![p])),
            "MultiPolygon" => {
                let ps: Option<Vec<_>> = coords.as_array()?.iter().map(polygon).collect();
                ps.filter(|p| !p.is_empty()).map(Shape::Polygons)
            }
            "AeroCircle" => {
                let a = coords.as_array()?;
                let centre = lng_lat(a.first()?)?;
                let radius = a.get(1)?.as_f64()?;
                (radius.is_finite() && radius >= 0.0).then_some(Shape::Circle(centre, radius))
            }
            _ => None,
        }
    }

    /// Whether the shape (a region) contains point `p`. A point contains nothing.
    pub fn contains(&self, p: LngLat) -> bool {
        match self {
            Shape::Point(_) => false,
            Shape::Circle(c, r) => haversine_m(*c, p) <= *r,
            Shape::Polygons(ps) => ps.iter().any(|rings| {
                rings.first().is_some_and(|outer| in_ring(outer, p))
                    && !rings[1..].iter().any(|hole| in_ring(hole, p))
            }),
        }
    }
}

/// Great-circle distance in metres between two points.
pub fn haversine_m(a: LngLat, b: LngLat) -> f64 {
    let (lng1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lng2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lng2 - lng1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Ray casting: whether `p` is inside the closed ring (last vertex may repeat the first).
pub fn in_ring(ring: &[LngLat], p: LngLat) -> bool {
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > p.1) != (yj > p.1) {
            let x_cross = xi + (p.1 - yi) / (yj - yi) * (xj - xi);
            if p.0 < x_cross {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// Whether a stored GeoJSON value satisfies a geo query region, as the server decides:
/// a `Point` query finds stored regions containing it (`geo_contains`); any other query
/// region finds stored points inside it (`geo_within_region`, `geo_within_radius`).
pub fn query_matches(query: &Shape, stored: &str) -> bool {
    let Some(stored) = Shape::parse(stored) else {
        return false;
    };
    match (query, &stored) {
        (Shape::Point(q), region) => region.contains(*q),
        (region, Shape::Point(p)) => region.contains(*p),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}"#;

    #[test]
    fn parses_every_supported_shape() {
        assert_eq!(
            Shape::parse(r#"{"type":"Point","coordinates":[-122.5,37.5]}"#),
            Some(Shape::Point((-122.5, 37.5)))
        );
        assert_eq!(
            Shape::parse(
                r#"{ "type": "AeroCircle", "coordinates": [[-122.00000000, 37.00000000], 1000] }"#
            ),
            Some(Shape::Circle((-122.0, 37.0), 1000.0))
        );
        assert!(matches!(Shape::parse(SQUARE), Some(Shape::Polygons(p)) if p[0].len() == 2));
        for bad in [
            "",
            "not json",
            r#"{"type":"Point"}"#,
            r#"{"type":"Point","coordinates":["a",1]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}"#,
            r#"{"type":"AeroCircle","coordinates":[[0,0],-1]}"#,
            r#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#,
        ] {
            assert_eq!(Shape::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn polygon_with_hole() {
        let s = Shape::parse(SQUARE).unwrap();
        assert!(s.contains((1.0, 1.0)));
        assert!(s.contains((9.5, 5.0)));
        assert!(!s.contains((5.0, 5.0)), "inside the hole");
        assert!(!s.contains((11.0, 5.0)));
        assert!(!s.contains((-0.1, 5.0)));
    }

    #[test]
    fn haversine_known_distances() {
        // One degree of latitude is about 111.2 km on this sphere.
        let d = haversine_m((0.0, 0.0), (0.0, 1.0));
        assert!((d - 111_194.9).abs() < 1.0, "{d}");
        assert_eq!(haversine_m((13.4, 52.5), (13.4, 52.5)), 0.0);
        // Antipodes: half the circumference.
        let d = haversine_m((0.0, 0.0), (180.0, 0.0));
        assert!((d - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1.0);
    }

    #[test]
    fn query_direction_follows_the_query_shape() {
        let point = r#"{"type":"Point","coordinates":[1,1]}"#;
        let q_region = Shape::parse(SQUARE).unwrap();
        let q_point = Shape::parse(point).unwrap();
        assert!(query_matches(&q_region, point), "point within region");
        assert!(query_matches(&q_point, SQUARE), "region contains point");
        assert!(
            !query_matches(&q_point, point),
            "points do not contain points"
        );
        assert!(
            !query_matches(&q_region, SQUARE),
            "regions are not within regions"
        );
        assert!(!query_matches(&q_region, "garbage"));
    }

    proptest! {
        #[test]
        fn axis_aligned_rectangles_agree_with_bounds(
            x0 in -170.0f64..170.0, y0 in -80.0f64..80.0,
            w in 0.01f64..9.0, h in 0.01f64..9.0,
            px in -180.0f64..180.0, py in -90.0f64..90.0,
        ) {
            let ring = vec![(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)];
            let strictly_in = px > x0 && px < x0 + w && py > y0 && py < y0 + h;
            let strictly_out = px < x0 || px > x0 + w || py < y0 || py > y0 + h;
            if strictly_in { prop_assert!(in_ring(&ring, (px, py))); }
            if strictly_out { prop_assert!(!in_ring(&ring, (px, py))); }
            // Vertex order does not matter.
            let rev: Vec<_> = ring.iter().rev().copied().collect();
            prop_assert_eq!(in_ring(&ring, (px, py)), in_ring(&rev, (px, py)));
        }

        #[test]
        fn haversine_is_a_symmetric_bounded_metric(
            a in (-180.0f64..180.0, -90.0f64..90.0),
            b in (-180.0f64..180.0, -90.0f64..90.0),
        ) {
            let d = haversine_m(a, b);
            prop_assert!(d >= 0.0);
            prop_assert!(d <= std::f64::consts::PI * EARTH_RADIUS_M + 1e-6);
            prop_assert!((d - haversine_m(b, a)).abs() < 1e-6);
        }

        #[test]
        fn circle_membership_matches_distance(
            c in (-170.0f64..170.0, -80.0f64..80.0),
            p in (-180.0f64..180.0, -90.0f64..90.0),
            r in 0.0f64..2.0e7,
        ) {
            let s = Shape::Circle(c, r);
            prop_assert_eq!(s.contains(p), haversine_m(c, p) <= r);
            prop_assert!(s.contains(c));
        }

        #[test]
        fn parse_never_panics(s in ".{0,200}") {
            let _ = Shape::parse(&s);
        }
    }
}
