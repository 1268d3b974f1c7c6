// Package cmrt writes the smelter list of an electronics batch in the
// columns of the Responsible Minerals Initiative's Conflict Minerals
// Reporting Template (CMRT), the workbook suppliers exchange about the tin,
// tantalum, tungsten and gold (3TG) in their products: the smelters and
// gold refiners behind a component or an assembly, from the places its
// signed records name.
//
// Smelters reads a verification's report and its records
// (provenance.VerifyWithEvidence) into rows; WriteCSV and WriteXLSX write
// them as the template's "Smelter List" tab, the header row and one line
// per smelter and metal.
//
// # The template
//
// The package follows CMRT Revision 6.5 (April 25, 2025), read in the
// template workbook itself, RMI_CMRT_6.5.xlsx as the RMI publishes it (kept
// in the public repository cirscn/cm-reporting, app/templates/CMRT): the
// header row of its "Smelter List" tab (row 4; the template computes its
// text from the hidden language sheet "L", whose English column gives the
// words), its "Instructions" tab (rows 48 to 66, one paragraph a column),
// the drop-downs of the tab (Metal: Tantalum, Tin, Tungsten, Gold; Smelter
// Look-up: the RMI's smelters, "Smelter not listed" and "Smelter not yet
// identified"; Smelter Country: the list of its hidden sheet "C"; recycled
// or scrap: Yes, No, Unknown), and the formulas that fill columns B to J
// from an identification number in column A. Revision 6.4 has the same
// columns, words and countries.
//
// The columns, A to Q, and what Jejak puts in them:
//
//	A  Smelter Identification Number Input Column   the RMI ID, when the place carries one
//	B  Metal (*)                                    the metal of the smelter's product (MetalOf)
//	C  Smelter Look-up (*)                          "Smelter not listed"; the smelter's name when it has an RMI ID
//	D  Smelter Name (1)                             the place's name
//	E  Smelter Country (*)                          the template's country name (CountryName)
//	F  Smelter Identification                       the RMI ID, when the place carries one
//	G  Source of Smelter Identification Number      "RMI" with an RMI ID, else empty
//	H  Smelter Street                               empty (records carry no address)
//	I  Smelter City                                 empty
//	J  Smelter Facility Location: State / Province  empty
//	K  Smelter Contact Name                         empty (the template warns of privacy law)
//	L  Smelter Contact Email                        empty
//	M  Proposed next steps                          empty (the user's to say)
//	N  Name of Mine(s) …                            the mines the trace shows upstream, "; " between
//	O  Location (Country) of Mine(s) …              their countries, as in E
//	P  Does 100% of the smelter’s feedstock …       "No" when the trace shows mines, else empty
//	Q  Comments                                     RMAP status per the trace; the CIDs of the records behind the row
//
// Header returns the header words exactly as the template has them, with
// "(*)" and "(1)" and the trailing space of "Smelter Street ". A smelter's
// RMI ID is the place identifier of scheme protocol.IDRMI; RMAP
// conformance is read from the certificates of scheme "RMI-RMAP" that the
// report shows for the smelter's organisation (the template has no column
// for it: the RMI's own list answers it by ID, so it goes in the comment).
// The template asks for answers in English, so the comments are English
// and are not translated.
//
// The metals of products are one table (metals.go); a product it does not
// know, at a smelter, gives a row with no metal and a comment asking the
// user to settle it. The country names are one table (countries.go), the
// template's own list: all 249 ISO 3166-1 codes.
//
// # Files
//
// CSV: RFC 4180, UTF-8 with a byte order mark, CRLF line ends, as Excel
// opens and saves CSV; cells that a spreadsheet would take for a formula
// are written as text. XLSX: one sheet named "Smelter List" with the
// header in row 1 (bold, frozen, with a filter) and the rows below it,
// columns sized to their contents, written with github.com/xuri/excelize/v2,
// which builds without cgo. The template puts its header in row 4 under
// its instructions; these files hold the list alone, to import, or to
// paste into the template's rows.
//
// Left out: the template's other tabs (Declaration, Product List,
// Checker), its hidden formula columns, and the RMI's list of smelters
// (the Smelter Look-up): Jejak does not ship it, so a smelter is named as
// its records name it, and the RMI's standard name comes from its ID.
package cmrt
