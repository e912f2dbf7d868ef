// Front-channel logout: the signed-out page frames each application's logout page
// (OpenID Connect Front-Channel Logout 1.0). When every frame has loaded, or after
// three seconds, the browser continues to where the sign-out said; the link on the
// page does the same without this script.
(function () {
  "use strict";
  var page = document.querySelector("[data-continue]");
  if (!page) return;
  var frames = document.querySelectorAll("iframe.frontchannel");
  var waiting = frames.length, gone = false;
  function go() {
    if (gone) return;
    gone = true;
    window.location.replace(page.getAttribute("data-continue"));
  }
  if (waiting === 0) return go();
  Array.prototype.forEach.call(frames, function (frame) {
    frame.addEventListener("load", function () { if (--waiting === 0) go(); });
  });
  window.setTimeout(go, 3000);
})();
