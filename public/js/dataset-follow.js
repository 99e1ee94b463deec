// On a dataset page that is still parsing: show the progress, then reload once the dataset is ready or failed.
(function () {
  'use strict';
  var section = document.getElementById('parse-follow');
  if (!section || !window.DmsDatasetProgress) return;
  var bar = document.getElementById('parse-bar');
  var status = document.getElementById('parse-status');
  window.DmsDatasetProgress.follow(section.dataset.datasetId, function (progress) {
    var exportTexts = { known: section.dataset.msgExporting, unknown: section.dataset.msgExportingUnknown };
    window.DmsDatasetProgress.render(progress, bar, status, section.dataset.msgParsing, exportTexts);
  }, function () {
    window.location.reload();
  });
})();
