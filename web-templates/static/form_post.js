// OAuth 2.0 Form Post Response Mode: the authorization response goes to the
// application as a POST, submitted as soon as the page loads; without script, the
// person presses Continue.
(function () {
  "use strict";
  var form = document.getElementById("form-post");
  if (form) form.submit();
})();
