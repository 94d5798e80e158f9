// Classic script, first child of <body>: marks the page before first paint so
// govuk-frontend styles for enhanced components apply without layout shift.
// `noModule` support means the browser also runs our ES module (app.mjs).
// Plain ES5 on purpose: it must parse in any browser.
document.body.className += ' js-enabled';
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.className += ' govuk-frontend-supported';
}
