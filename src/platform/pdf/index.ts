/**
 * Front door of the PDF machinery: `TextDocument`, a generated text document (text-document.ts),
 * and conversion of office documents (.docx, .odt, .fodt, .doc, .rtf, .xlsx, .ods, .pptx, .odp…)
 * to PDF with LibreOffice headless (Debian `libreoffice-writer-nogui`).
 */
export { ConversionError, convertToPdf } from './convert.js';
export { TextDocument, type TextDocumentMeta, toWinAnsi } from './text-document.js';
