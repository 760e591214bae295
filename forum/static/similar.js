// "Has another city asked this already?" as the member types a new thread's title: the same list the
// "Check for similar threads first" button brings (GET /search/similar?fragment=1), without leaving
// the page. Without JavaScript the button does the same in a step.
(function () {
  "use strict";
  var box = document.getElementById("similar-threads");
  var title = document.getElementById("title");
  if (!box || !title || !window.fetch) { return; }
  var timer = null, asked = "";
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var value = title.value.trim();
      if (value === asked || value.length < 4) { return; }
      asked = value;
      var url = box.getAttribute("data-similar-url") + "?fragment=1&q=" + encodeURIComponent(value.slice(0, 200));
      fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (value === asked) { box.innerHTML = html; } })
        .catch(function () {});
    }, 400);
  });
})();
