// Package epcis converts between Jejak records and GS1 EPCIS 2.0 JSON-LD.
package epcis
