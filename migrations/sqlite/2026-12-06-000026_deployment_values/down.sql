DROP TABLE deployment_values;
