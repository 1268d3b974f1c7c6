// Package printout makes what Jejak prints: batch labels as PDF (one per
// page for a label printer, or many on a sheet of A4 or US Letter labels),
// the same labels as ZPL II for the thermal printers mills use (Zebra, and
// TSC in ZPL mode), and the verification report as a paginated A4 PDF.
//
// It is pure like protocol: it takes values and returns bytes, and reads
// and writes no files. The words on a label or a report come from the
// i18n catalog (keys "print.…") in the language the caller gives.
package printout
